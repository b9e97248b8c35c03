namespace HwFlow.Cli.Infrastructure;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed that is not the user's fault, or a check (co-simulation, accuracy) did not pass.</summary>
    public const int Failure = 1;

    /// <summary>The user's input was wrong: a file, an option, a dataset.</summary>
    public const int UserError = 2;

    /// <summary>Interrupted by Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
