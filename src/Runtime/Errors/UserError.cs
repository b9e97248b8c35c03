namespace HwFlow.Runtime.Errors;

/// <summary>
/// A mistake in what the user gave us (a file, an option, a dataset). The command line prints
/// the message on one line and exits with code 2, without a stack trace.
/// </summary>
public class UserError : Exception
{
    public UserError(string message) : base(message) { }

    public UserError(string message, Exception inner) : base(message, inner) { }

    /// <summary>An error located in a file, formatted as <c>file:line:column: message</c>.</summary>
    public static UserError At(string file, int line, int column, string message) =>
        new($"{file}:{line}:{column}: {message}");

    /// <summary>An error about a whole file, formatted as <c>file: message</c>.</summary>
    public static UserError In(string file, string message) => new($"{file}: {message}");
}
