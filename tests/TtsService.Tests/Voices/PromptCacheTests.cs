using TtsService.Voices;

namespace TtsService.Tests.Voices;

public sealed class PromptCacheTests
{
    [Fact]
    public void Evicts_least_recently_used_first_by_bytes()
    {
        var cache = new PromptCache(300);
        cache.Set("url:a", new float[1], 100);
        cache.Set("url:b", new float[1], 100);
        cache.Set("url:c", new float[1], 100);
        Assert.True(cache.TryGet<float[]>("url:a", out _)); // a is now the most recent
        cache.Set("url:d", new float[1], 100);               // pushes out b, the least recent
        Assert.False(cache.TryGet<float[]>("url:b", out _));
        Assert.True(cache.TryGet<float[]>("url:a", out _));
        Assert.True(cache.TryGet<float[]>("url:c", out _));
        Assert.True(cache.TryGet<float[]>("url:d", out _));
        Assert.Equal(300, cache.SizeBytes);
    }

    [Fact]
    public void A_large_entry_evicts_as_many_as_needed_and_an_oversized_one_is_not_kept()
    {
        var cache = new PromptCache(300);
        cache.Set("a:1", "x", 100);
        cache.Set("a:2", "y", 100);
        cache.Set("a:3", "z", 250);
        Assert.Equal(1, cache.Count);
        Assert.Equal(250, cache.SizeBytes);
        cache.Set("a:4", "w", 301);
        Assert.False(cache.TryGet<string>("a:4", out _));
        Assert.True(cache.TryGet<string>("a:3", out _));
    }

    [Fact]
    public void Replacing_a_key_counts_its_bytes_once()
    {
        var cache = new PromptCache(1000);
        cache.Set("voice:x:1", "old", 400);
        cache.Set("voice:x:1", "new", 500);
        Assert.Equal(500, cache.SizeBytes);
        Assert.True(cache.TryGet<string>("voice:x:1", out var value));
        Assert.Equal("new", value);
    }

    [Fact]
    public void Clear_by_kind_keeps_the_other_kinds()
    {
        var cache = new PromptCache(10_000);
        cache.Set("url:1", "u", 10);
        cache.Set("url:1#features", "uf", 20);
        cache.Set("base64:2", "b", 30);
        cache.Set("voice:v:3", "v", 40);
        Assert.Equal((2, 30L), cache.Clear("url"));
        Assert.False(cache.TryGet<string>("url:1", out _));
        Assert.True(cache.TryGet<string>("base64:2", out _));
        Assert.Equal((1, 30L), cache.Clear("base64"));
        Assert.Equal((1, 40L), cache.Clear(null));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.SizeBytes);
    }
}
