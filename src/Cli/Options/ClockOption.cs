using System.CommandLine;
using HwFlow.Compiler.Hardware;

namespace HwFlow.Cli.Options;

/// <summary>--clock-mhz, defined once: checked at parse time by the library's one clock check.</summary>
public static class ClockOption
{
    public static Option<double> WithDefault(string description, double defaultMhz) =>
        Checked(new Option<double>("--clock-mhz") { Description = description, DefaultValueFactory = _ => defaultMhz }, v => v);

    public static Option<double?> Optional(string description) =>
        Checked(new Option<double?>("--clock-mhz") { Description = description }, v => v);

    private static Option<T> Checked<T>(Option<T> option, Func<T, double?> mhz)
    {
        option.Validators.Add(result =>
        {
            if (mhz(result.GetValueOrDefault<T>()) is { } value && ClockMhz.Problem(value) is { } problem) result.AddError(problem);
        });
        return option;
    }
}
