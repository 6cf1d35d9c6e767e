# Rewrites a widl -Oicf proxy file (_p.c) so that every [in] parameter passed as a simple
# reference to a complex structure (FC_BOGUS_STRUCT) of at most 56 bytes carries a server
# allocation size (the ServerAllocSize bits, 13-15, of its parameter flags).
#
# Why: Wine's stubless stub (rpcrt4, NdrStubCall2) allocates such a structure with NdrAllocate
# when it unmarshals the call and never frees it: its free phase frees only what the structure
# points to. The service lost 40 heap bytes (the structure and NdrAllocate's list entry) on
# every INapSystemHealthAgentRequest::SetSoHRequest, and the same on every other such call.
# With a server allocation size the stub allocates the structure itself and frees it after the
# call. The wire format does not change: the flag only says where the server keeps the
# parameter, as MIDL and widl already do for [out]-only parameters.
#
# Usage: awk -f tools/ndr-in-struct-on-stack.awk FILE_p.c FILE_p.c > out
# (two passes: the first learns the structures' sizes and which flags to change.)

function hex(s,    v, i, c) {
    v = 0
    sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++) {
        c = index("0123456789abcdef", tolower(substr(s, i, 1)))
        if (!c) break
        v = v * 16 + c - 1
    }
    return v
}

# Offset comments of the type format string look like "/* 292 (SoH) */" or "/* 50 */".
FNR == NR && /^\/\* [0-9]+ / {
    offset = $2
    offset_at = FNR
    next
}
# Only a structure right under its offset comment is taken: a size filed under the wrong offset
# would give some other parameter too small a place.
FNR == NR && /\/\* FC_BOGUS_STRUCT \*\// && FNR == offset_at + 1 {
    bogus_at = FNR
    bogus_offset = offset
    next
}
# Two lines after FC_BOGUS_STRUCT comes its memory size: NdrFcShort(0x10),	/* 16 */
FNR == NR && FNR == bogus_at + 2 && match($0, /\/\* [0-9]+ \*\//) {
    struct_size[bogus_offset] = substr($0, RSTART + 3, RLENGTH - 6) + 0
    next
}
# A parameter: flags, stack offset, type offset.
FNR == NR && /flags:.* in,.*simple ref/ && !/ out,/ && !/base type/ {
    candidate[FNR + 2] = FNR
    next
}
FNR == NR && (FNR in candidate) && match($0, /type offset = [0-9]+/) {
    type_of[candidate[FNR]] = substr($0, RSTART + 14, RLENGTH - 14) + 0
    next
}
FNR == NR { next }

(FNR in type_of) && (type_of[FNR] in struct_size) && struct_size[type_of[FNR]] <= 56 \
    && match($0, /NdrFcShort\(0x[0-9a-fA-F]+\)/) {
    flags = hex(substr($0, RSTART + 11, RLENGTH - 12))
    units = int((struct_size[type_of[FNR]] + 7) / 8)
    if (flags < 8192) {
        sub(/NdrFcShort\(0x[0-9a-fA-F]+\)/, sprintf("NdrFcShort(0x%x)", flags + units * 8192))
        sub(/ \*\/$/, sprintf(", srv size=%d */", units * 8))
    }
}
{ print }
