using System.Collections.Concurrent;
using TtsService.Inference;

namespace TtsService.Tests.Api;

/// <summary>The per-request pipeline that starts model call N+1 before call N's audio is handed out.</summary>
public sealed class ChunkPipelineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Results_come_in_order_even_when_a_later_call_finishes_first()
    {
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var results = new List<int>();
        var consume = Task.Run(async () =>
        {
            await foreach (var r in ChunkPipeline.InOrder(Enumerable.Range(0, 4), (i, _) => gates[i].Task, CancellationToken.None))
                results.Add(r);
        });
        gates[1].SetResult(1); // the second call is done before the first
        gates[0].SetResult(0);
        gates[3].SetResult(3);
        gates[2].SetResult(2);
        await consume.WaitAsync(Wait);
        Assert.Equal([0, 1, 2, 3], results);
    }

    [Fact]
    public async Task The_next_call_starts_before_the_current_result_is_handed_out_and_no_further()
    {
        var started = new ConcurrentQueue<int>();
        var items = ChunkPipeline.InOrder(Enumerable.Range(0, 5), (i, _) =>
        {
            started.Enqueue(i);
            return Task.FromResult(i);
        }, CancellationToken.None);

        await using var e = items.GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());
        Assert.Equal(0, e.Current);
        // While the consumer holds result 0 (encoding and sending it), call 1 is already running; call 2 is not.
        Assert.Equal([0, 1], started.ToArray());
        Assert.True(await e.MoveNextAsync());
        Assert.Equal([0, 1, 2], started.ToArray());
    }

    [Fact]
    public async Task With_two_in_flight_the_second_call_runs_beside_the_first()
    {
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var items = ChunkPipeline.InOrder(Enumerable.Range(0, 2), (i, _) =>
        {
            if (i == 0) return first.Task;
            secondStarted.TrySetResult();
            return Task.FromResult(1);
        }, CancellationToken.None, inFlight: 2);

        await using var e = items.GetAsyncEnumerator();
        var moving = e.MoveNextAsync().AsTask();
        await secondStarted.Task.WaitAsync(Wait); // call 1 started while call 0 is still running
        Assert.False(moving.IsCompleted);
        first.SetResult(0);
        Assert.True(await moving);
        Assert.Equal(0, e.Current);
    }

    [Fact]
    public async Task A_consumer_that_stops_early_cancels_the_call_running_ahead_and_waits_for_it()
    {
        var aheadCancelled = false;
        var aheadEnded = false;
        var items = ChunkPipeline.InOrder(Enumerable.Range(0, 3), async (i, token) =>
        {
            if (i == 0) return 0;
            try { await Task.Delay(Timeout.Infinite, token); }
            catch (OperationCanceledException) { aheadCancelled = true; throw; }
            finally { aheadEnded = true; }
            return i;
        }, CancellationToken.None);

        await foreach (var r in items)
        {
            Assert.Equal(0, r);
            break; // the client went away after the first chunk
        }
        Assert.True(aheadCancelled);
        Assert.True(aheadEnded); // nothing keeps running after the request
    }

    [Fact]
    public async Task A_failing_call_surfaces_after_the_results_before_it()
    {
        var results = new List<int>();
        var items = ChunkPipeline.InOrder(Enumerable.Range(0, 3), (i, _) =>
            i == 1 ? Task.FromException<int>(new InvalidOperationException("call 1 failed")) : Task.FromResult(i), CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var r in items) results.Add(r);
        });
        Assert.Equal("call 1 failed", error.Message);
        Assert.Equal([0], results);
    }

    [Fact]
    public async Task An_error_producing_the_first_item_reaches_the_consumer_unwrapped()
    {
        static IEnumerable<int> Items()
        {
            throw new ArgumentException("bad input");
#pragma warning disable CS0162 // the iterator fails before its first item
            yield break;
#pragma warning restore CS0162
        }
        var e = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in ChunkPipeline.InOrder(Items(), (i, _) => Task.FromResult(i), CancellationToken.None)) { }
        });
        Assert.Equal("bad input", e.Message);
    }

    [Fact]
    public async Task Calls_in_flight_are_asked_each_time_a_call_could_start()
    {
        var allowed = 1;
        var started = new List<int>();
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var items = ChunkPipeline.InOrder(Enumerable.Range(0, 4), (i, _) => { lock (started) started.Add(i); return gates[i].Task; },
            () => allowed, CancellationToken.None);
        await using var e = items.GetAsyncEnumerator();
        var next = e.MoveNextAsync();
        Assert.Equal([0], started);                 // one allowed: only the first call runs
        allowed = 2;
        gates[0].SetResult(0);
        Assert.True(await next);
        Assert.Equal([0, 1, 2], started);           // after it: two at once (1 and 2)
        allowed = 1;
        var after = e.MoveNextAsync();
        gates[1].SetResult(1);
        Assert.True(await after);
        Assert.Equal([0, 1, 2], started);           // 2 still runs: one in flight is the limit now
        gates[2].SetResult(2);
        gates[3].SetResult(3);
        var rest = new List<int>();
        while (await e.MoveNextAsync()) rest.Add(e.Current);
        Assert.Equal([2, 3], rest);
    }
}
