using System.Reflection;

namespace HwFlow.Runtime;

/// <summary>HwFlow's version (Directory.Build.props), as build manifests and output markers record it.</summary>
public static class HwFlowVersion
{
    public static readonly string Text =
        typeof(HwFlowVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
