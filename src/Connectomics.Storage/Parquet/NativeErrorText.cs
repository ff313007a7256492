using System.Text.RegularExpressions;

namespace Connectomics.Storage.Parquet;

/// <summary>Turns a native Parquet error into the readable part of its text, for our messages.</summary>
internal static partial class NativeErrorText
{
    /// <summary>Returns the message of <paramref name="exception"/> without the C++ exception type wrapper
    /// (<c>N7parquet…E (message: '…')</c>) and with its whitespace collapsed to single spaces.</summary>
    public static string Of(Exception exception)
    {
        var text = exception.Message;
        var wrapped = WrappedMessage().Match(text);
        if (wrapped.Success)
        {
            text = wrapped.Groups["message"].Value;
        }

        return Whitespace().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"\(message: '(?<message>.*)'\)\s*$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex WrappedMessage();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
