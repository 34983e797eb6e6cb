using System.Net;
using System.Net.Http.Json;
using TtsService.Audio;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Audio;

/// <summary>
/// The "done means": <c>POST /v1/audio/speech</c> in each format, streamed and not, gives bytes that
/// <c>ffmpeg -v error</c> decodes without a message, with the right Content-Type, rate and length.
/// </summary>
public sealed class SpeechFormatsHttpTests(KokoroService service) : IClassFixture<KokoroService>
{
    private const string Text = "The quick brown fox jumps over the lazy dog.";
    private readonly HttpClient _client = service.Client;

    private async Task<byte[]> Speak(string format, bool stream, float volume = 1f, string? expectContentType = null)
    {
        var response = await _client.PostAsJsonAsync("/v1/audio/speech",
            new { model = "tts-1", input = Text, voice = "af_standin_low", response_format = format, stream, volume_multiplier = volume });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (expectContentType is not null) Assert.Equal(expectContentType, response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Theory]
    [MemberData(nameof(TestFormats.AllStreamedAndWhole), MemberType = typeof(TestFormats))]
    public async Task Every_format_decodes_cleanly(AudioFormat format, bool stream)
    {
        // The WAV of the same mode: a stream's first model call is short, so its audio is cut differently from a whole file's.
        var reference = Ffmpeg.DecodeToFloat(await Speak("wav", stream));
        var bytes = await Speak(format.FileExtension(), stream, expectContentType: format.ContentType());
        var raw = EncoderTests.InputFormat(format);
        Assert.Equal("", Ffmpeg.DecodeMessages(bytes, raw, "error"));
        var probe = Ffmpeg.Probe(bytes, raw);
        Assert.Equal((format == AudioFormat.Opus ? 48000 : 24000, 1), (probe.SampleRate, probe.Channels));
        var decoded = Ffmpeg.DecodeToFloat(bytes, 24000, raw);
        // Same length as the WAV (1%), plus what a stream without trimming data adds (see EncoderTests).
        var slack = (int)Math.Ceiling(reference.Length * 0.01) + (format == AudioFormat.Aac || (format == AudioFormat.Mp3 && stream) ? 2048 : 0);
        Assert.InRange(decoded.Length, reference.Length - slack, reference.Length + slack);
        var expected = Ffmpeg.ToneFrequency(AudioSignals.Middle(reference, 24000, 0.1), 24000);
        Assert.InRange(Ffmpeg.ToneFrequency(AudioSignals.Middle(decoded, 24000, 0.1), 24000), expected - 2, expected + 2);
    }

    [Fact]
    public async Task Volume_multiplier_scales_the_samples()
    {
        var normal = Ffmpeg.DecodeToFloat(await Speak("wav", stream: false));
        var half = Ffmpeg.DecodeToFloat(await Speak("wav", stream: false, volume: 0.5f));
        Assert.Equal(normal.Length, half.Length);
        for (var i = 0; i < normal.Length; i++) Assert.InRange(half[i] - normal[i] / 2, -2f / 32768, 2f / 32768);
        Assert.True(AudioSignals.Rms(normal) > 0.01, "the stand-in should not be silent");

        normal = Ffmpeg.DecodeToFloat(await Speak("wav", stream: true)); // a stream's calls are cut differently
        var loud = Ffmpeg.DecodeToFloat(await Speak("wav", stream: true, volume: 10f)); // the API's maximum
        Assert.Equal(normal.Length, loud.Length);
        Assert.True(loud.Max(Math.Abs) > 0.9f, "10× should drive the stand-in into the limiter");
        for (var i = 0; i < normal.Length; i++)
            if (Math.Abs(normal[i]) > 0.001f) Assert.Equal(Math.Sign(normal[i]), Math.Sign(loud[i]));
    }
}
