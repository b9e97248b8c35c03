using System.Text.RegularExpressions;

namespace HwFlow.Compiler.Rtl;

/// <summary>
/// Which names the RTL IR accepts. A name is used verbatim in the emitted Verilog and, through
/// Verilator, as a C++ member name, so it must be a plain identifier that is reserved in none of
/// Verilog-2005, SystemVerilog-2017 (Verilator parses .v files as SystemVerilog) and C++
/// (Verilator's SYMRSVDWORD warning). Names are rejected rather than escaped so that the Verilog,
/// the simulator and the Verilator harness all see the same, stable name.
/// </summary>
public static partial class RtlNames
{
    /// <summary>The reason <paramref name="name"/> cannot be used, or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (!Identifier().IsMatch(name))
            return $"'{name}' is not a legal name (letters, digits and '_', not starting with a digit)";
        if (Verilog.Contains(name)) return $"'{name}' is a Verilog keyword";
        if (SystemVerilog.Contains(name)) return $"'{name}' is a SystemVerilog keyword (Verilator reads .v files as SystemVerilog)";
        if (Cpp.Contains(name)) return $"'{name}' is a C++ reserved word (Verilator rejects it as a signal name)";
        return null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    // IEEE 1364-2005 Annex B.
    private static readonly HashSet<string> Verilog = new(StringComparer.Ordinal)
    {
        "always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1", "case", "casex", "casez", "cell",
        "cmos", "config", "deassign", "default", "defparam", "design", "disable", "edge", "else", "end", "endcase",
        "endconfig", "endfunction", "endgenerate", "endmodule", "endprimitive", "endspecify", "endtable", "endtask",
        "event", "for", "force", "forever", "fork", "function", "generate", "genvar", "highz0", "highz1", "if",
        "ifnone", "incdir", "include", "initial", "inout", "input", "instance", "integer", "join", "large", "liblist",
        "library", "localparam", "macromodule", "medium", "module", "nand", "negedge", "nmos", "nor",
        "noshowcancelled", "not", "notif0", "notif1", "or", "output", "parameter", "pmos", "posedge", "primitive",
        "pull0", "pull1", "pulldown", "pullup", "pulsestyle_onevent", "pulsestyle_ondetect", "rcmos", "real",
        "realtime", "reg", "release", "repeat", "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "scalared",
        "showcancelled", "signed", "small", "specify", "specparam", "strong0", "strong1", "supply0", "supply1",
        "table", "task", "time", "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand", "trior", "trireg",
        "unsigned", "use", "uwire", "vectored", "wait", "wand", "weak0", "weak1", "while", "wire", "wor", "xnor", "xor",
    };

    // IEEE 1800-2017 Annex B, minus the Verilog-2005 words above.
    private static readonly HashSet<string> SystemVerilog = new(StringComparer.Ordinal)
    {
        "accept_on", "alias", "always_comb", "always_ff", "always_latch", "assert", "assume", "before", "bind", "bins",
        "binsof", "bit", "break", "byte", "chandle", "checker", "class", "clocking", "const", "constraint", "context",
        "continue", "cover", "covergroup", "coverpoint", "cross", "dist", "do", "endchecker", "endclass", "endclocking",
        "endgroup", "endinterface", "endpackage", "endprogram", "endproperty", "endsequence", "enum", "eventually",
        "expect", "export", "extends", "extern", "final", "first_match", "foreach", "forkjoin", "global", "iff",
        "ignore_bins", "illegal_bins", "implements", "implies", "import", "inside", "int", "interconnect", "interface",
        "intersect", "join_any", "join_none", "let", "local", "logic", "longint", "matches", "modport", "nettype", "new",
        "nexttime", "null", "package", "packed", "priority", "program", "property", "protected", "pure", "rand",
        "randc", "randcase", "randsequence", "ref", "reject_on", "restrict", "return", "s_always", "s_eventually",
        "s_nexttime", "s_until", "s_until_with", "sequence", "shortint", "shortreal", "soft", "solve", "static",
        "string", "strong", "super", "sync_accept_on", "sync_reject_on", "tagged", "this", "throughout",
        "timeprecision", "timeunit", "type", "typedef", "union", "unique", "unique0", "until", "until_with", "untyped",
        "var", "virtual", "void", "wait_order", "weak", "wildcard", "with", "within",
    };

    // C++ keywords and the common library words Verilator also refuses as symbol names.
    private static readonly HashSet<string> Cpp = new(StringComparer.Ordinal)
    {
        "alignas", "alignof", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "case", "catch", "char", "char8_t",
        "char16_t", "char32_t", "co_await", "co_return", "co_yield", "compl", "concept", "consteval", "constexpr",
        "constinit", "const_cast", "decltype", "delete", "double", "dynamic_cast", "explicit", "false", "float",
        "friend", "goto", "inline", "long", "mutable", "namespace", "noexcept", "not_eq", "nullptr", "operator",
        "or_eq", "private", "public", "register", "reinterpret_cast", "requires", "short", "sizeof", "static_assert",
        "static_cast", "struct", "switch", "template", "thread_local", "throw", "true", "try", "typeid", "typename",
        "using", "volatile", "wchar_t", "xor_eq",
        "NULL", "abort", "atomic_cancel", "atomic_commit", "atomic_noexcept", "bit_vector", "cdecl", "complex",
        "const_iterator", "const_reference", "deque", "far", "huge", "interrupt", "iterator", "list", "map", "near",
        "override", "pascal", "queue", "reference", "set", "stack", "synchronized", "transaction_safe",
        "transaction_safe_dynamic", "type_info", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "vector",
        "sc_clock", "sc_in", "sc_inout", "sc_out", "sc_signal", "sensitive", "sensitive_neg", "sensitive_pos",
    };
}
