using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>The modules of a design being generated, children first, each generated once.</summary>
public sealed class ModuleLibrary
{
    private readonly List<RtlModule> _modules = [];

    public IReadOnlyList<RtlModule> Modules => _modules;

    public RtlModule GetOrAdd(string name, Func<RtlModule> build)
    {
        var existing = _modules.FirstOrDefault(m => m.Name == name);
        if (existing is not null) return existing;
        var module = build();
        _modules.Add(module);
        return module;
    }

    public RtlModule Add(RtlModule module)
    {
        _modules.Add(module);
        return module;
    }
}
