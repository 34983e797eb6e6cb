using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RealModelBench;

/// <summary>
/// Measured like a voice agent (<c>--agent N</c>, issue 22): an LLM-like producer sends a 600-character answer at 30
/// tokens/s into <c>/v1/audio/speech/stream</c> (pcm) and the audio is played, on paper, in real time from its first
/// byte. Per model and service configuration, the median over N runs of:
/// <list type="bullet">
/// <item>first clause: from the moment the first sentence is complete in the socket (its end and the space after it
/// sent) to its first audio, against a streamed HTTP request for that sentence alone (time to first byte);</item>
/// <item>tail: from the end of input to the last audio;</item>
/// <item>gaps: times the audio, played in real time from the first byte, ran out before the next audio arrived, and their total.</item>
/// </list>
/// Goals (issue 22, Kokoro at real size on CPU): first audio within 100 ms of HTTP's for that clause; no gap once playback starts.
/// </summary>
static class AgentBench
{
    /// <summary>An assistant's answer: 600 characters of sentences and clauses, a number and an abbreviation.</summary>
    public const string Answer =
        "Sure, I can help with that. The quickest way to get to the station from here is to walk two blocks north, " +
        "then turn left at the bakery on the corner. From there, it is about a five minute walk, and you will see the " +
        "entrance on your right, just past the pharmacy. If you would rather not walk, the number 12 bus stops across " +
        "the street every ten minutes, and it takes about four minutes to get there. Trains to the airport leave at a " +
        "quarter past and a quarter to the hour. Dr. Patel's office, which you asked about earlier, is on the second " +
        "floor of the same building. Is there anything else you would like to know?";

    private const double TokensPerSecond = 30;

    public static async Task<List<string>> RunAsync(ServiceProcess service, BenchModel model, int runs, string config)
    {
        // Warm-up: one HTTP request and one session, so no cell pays the first call's set-up.
        await service.SpeakAsync(model, "pcm", "Warming up.");
        await SessionAsync(service, model);
        var sessions = new List<Session>();
        var http = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            sessions.Add(await SessionAsync(service, model));
            http.Add((await service.SpeakAsync(model, "pcm", FirstSentence)).FirstAudio);
        }
        var firstClause = Median(sessions.Select(s => s.FirstClauseToAudio));
        var httpFirst = Median(http);
        var row = string.Join(" | ", model.Label, config, F(firstClause), F(httpFirst), F(firstClause - httpFirst), F(Median(sessions.Select(s => s.TailSeconds))),
            Median(sessions.Select(s => (double)s.Gaps)).ToString("0.#", CultureInfo.InvariantCulture), F(Median(sessions.Select(s => s.GapSeconds))),
            F(Median(sessions.Select(s => s.AudioSeconds)), "F1"));
        Console.Error.WriteLine($"  agent {model.Label} ({config}): {row}");
        return [$"| {row} |"];
    }

    public static void PrintHeader()
    {
        Console.WriteLine($"agent: a {Answer.Length}-character answer at {TokensPerSecond} tokens/s into /v1/audio/speech/stream (pcm), played in real time from the first byte; medians");
        Console.WriteLine();
        Console.WriteLine("| model | service | first clause → audio, s | HTTP first audio for that clause, s | difference, s (goal ≤ 0.1) | last text → last audio, s | gaps (goal 0) | gap total, s | audio, s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    }

    /// <summary>The answer's first sentence, as the HTTP baseline speaks it.</summary>
    private static string FirstSentence => Answer[..(Answer.IndexOf(". ", StringComparison.Ordinal) + 1)];

    /// <summary>LLM-like tokens: a word with its leading space, long words in pieces of at most 4 letters.</summary>
    private static List<string> Tokens()
    {
        var tokens = new List<string>();
        foreach (var word in Answer.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
            for (var at = 0; at < word.Length; at += 5) tokens.Add(word.Substring(at, Math.Min(5, word.Length - at)));
        return tokens;
    }

    private sealed record Session(double FirstClauseToAudio, double TailSeconds, int Gaps, double GapSeconds, double AudioSeconds);

    private static async Task<Session> SessionAsync(ServiceProcess service, BenchModel model)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{service.Address.Authority}/v1/audio/speech/stream"), CancellationToken.None);
        var start = new Dictionary<string, object> { ["type"] = "start", ["model"] = model.Name, ["voice"] = model.IsZipVoice ? ServiceProcess.PromptVoice : "af_heart", ["response_format"] = "pcm" };
        if (model.IsZipVoice) { start["num_steps"] = model.Steps; start["seed"] = 42; }
        await Send(socket, start);

        var clock = Stopwatch.StartNew();
        double? firstClauseComplete = null, endSent = null;
        var reader = Task.Run(() => ReadAsync(socket, clock));
        var tokens = Tokens();
        var sent = 0;
        var firstEnd = FirstSentence.Length; // the sentence is complete once the character after it (a space) is sent
        for (var i = 0; i < tokens.Count; i++)
        {
            // 30 tokens/s from the first token, as an LLM streams.
            var due = i / TokensPerSecond;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            await Send(socket, new { type = "text", text = tokens[i] });
            sent += tokens[i].Length;
            if (firstClauseComplete is null && sent > firstEnd) firstClauseComplete = clock.Elapsed.TotalSeconds;
        }
        await Send(socket, new { type = "end" });
        endSent = clock.Elapsed.TotalSeconds;
        var arrivals = await reader;
        if (arrivals.Count == 0) throw new InvalidDataException($"{model.Label}: no audio from the session");

        // Played in real time from the first byte; a late arrival is a gap, after which playback resumes.
        var playStart = arrivals[0].At;
        double played = 0, gapSeconds = 0;
        var gaps = 0;
        foreach (var (at, seconds) in arrivals)
        {
            var runsOut = playStart + played;
            if (at > runsOut + 1e-3)
            {
                gaps++;
                gapSeconds += at - runsOut;
                playStart += at - runsOut;
            }
            played += seconds;
        }
        return new Session(arrivals[0].At - firstClauseComplete!.Value, arrivals[^1].At - endSent.Value, gaps, gapSeconds, played);
    }

    /// <summary>Each binary frame's arrival time and its seconds of 16-bit mono 24 kHz audio, until the server closes.</summary>
    private static async Task<List<(double At, double Seconds)>> ReadAsync(ClientWebSocket socket, Stopwatch clock)
    {
        var arrivals = new List<(double, double)>();
        var buffer = new byte[1 << 16];
        while (true)
        {
            var length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                length += result.Count;
            } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return arrivals;
            }
            if (result.MessageType == WebSocketMessageType.Binary) arrivals.Add((clock.Elapsed.TotalSeconds, length / 2 / 24000.0));
            else if (Encoding.UTF8.GetString(buffer, 0, Math.Min(length, buffer.Length)).Contains("\"type\":\"error\"", StringComparison.Ordinal))
                throw new InvalidDataException(Encoding.UTF8.GetString(buffer, 0, Math.Min(length, buffer.Length)));
        }
    }

    private static Task Send(ClientWebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string F(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);
}
