using System.Diagnostics;

namespace TtsService.Tests.Infrastructure;

/// <summary>Runs an outside tool (node, git) to its end: its exit code and what it printed, stdout then stderr.</summary>
public static class ToolProcess
{
    public static (int ExitCode, string Output) Run(string file, string arguments, string workingDirectory)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        // Both pipes are drained at once, so a tool that fills one while we read the other cannot block.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
