namespace HwFlow.Cli.Infrastructure;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed that is not the user's fault, or a check (co-simulation, accuracy) did not pass.</summary>
    public const int Failure = 1;

    /// <summary>The user's input was wrong: a file, an option, a dataset.</summary>
    public const int UserError = 2;

    /// <summary>
    /// Interrupted by Ctrl-C. The issues treat an interrupted run like bad input (one line, exit
    /// code 2, nothing half-written) rather than the shell's 130.
    /// </summary>
    public const int Interrupted = 2;
}
