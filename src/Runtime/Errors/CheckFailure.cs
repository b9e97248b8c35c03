namespace HwFlow.Runtime.Errors;

/// <summary>
/// A check that could not give its answer although the user's input was good: a simulator of the
/// gates crashed, or the gates drove unknown bits. It is not the user's mistake (exit code 2) nor a
/// bug in HwFlow's own code to report with a stack trace; the command line prints the message on one
/// line and exits 1, as for a check that did not pass.
/// </summary>
public class CheckFailure(string message) : Exception(message);
