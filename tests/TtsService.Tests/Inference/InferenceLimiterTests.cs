using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;

namespace TtsService.Tests.Inference;

/// <summary>
/// The limiter's order (issue 23): first calls before later calls, aging so later calls never starve, and the
/// once-per-request decision whether extra work is free. Calls are gated by the test, and the test waits for the
/// queue to hold what it expects before it releases anything: the order is observed, never timed.
/// </summary>
public sealed class InferenceLimiterTests
{
    private static InferenceLimiter Limiter(int slots, int queue = 100) =>
        new(new TtsSettings { MaxConcurrentInferences = slots, MaxQueuedRequests = queue, OnnxIntraOpThreads = 1 });

    /// <summary>Queues a call that records <paramref name="name"/> when it runs.</summary>
    private static Task Queue(InferenceLimiter limiter, List<string> order, string name, bool firstCall) =>
        limiter.RunAsync(() => { lock (order) order.Add(name); return 0; }, null, CancellationToken.None, firstCall: firstCall);

    private static async Task UntilWaiting(InferenceLimiter limiter, int count)
    {
        while (limiter.Waiting != count) await Task.Delay(5);
    }

    [Fact]
    public async Task A_requests_first_call_goes_ahead_of_other_requests_later_calls()
    {
        var limiter = Limiter(slots: 1);
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = limiter.RunAsync(() => gate.Task.Result, CancellationToken.None);
        var order = new List<string>();
        var queued = new List<Task>
        {
            Queue(limiter, order, "A2", firstCall: false),
        };
        await UntilWaiting(limiter, 1);
        queued.Add(Queue(limiter, order, "A3", firstCall: false));
        await UntilWaiting(limiter, 2);
        queued.Add(Queue(limiter, order, "B1", firstCall: true));
        await UntilWaiting(limiter, 3);
        queued.Add(Queue(limiter, order, "C1", firstCall: true));
        await UntilWaiting(limiter, 4);
        gate.SetResult(0);
        await busy;
        await Task.WhenAll(queued);
        Assert.Equal(["B1", "C1", "A2", "A3"], order);
    }

    [Fact]
    public async Task A_later_call_passed_over_by_enough_first_calls_goes_next()
    {
        var limiter = Limiter(slots: 1);
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = limiter.RunAsync(() => gate.Task.Result, CancellationToken.None);
        var order = new List<string>();
        var queued = new List<Task> { Queue(limiter, order, "old", firstCall: false) };
        await UntilWaiting(limiter, 1);
        var newcomers = InferenceLimiter.MaxPassOvers + 2;
        for (var i = 0; i < newcomers; i++)
        {
            queued.Add(Queue(limiter, order, $"new{i}", firstCall: true));
            await UntilWaiting(limiter, i + 2);
        }
        gate.SetResult(0);
        await busy;
        await Task.WhenAll(queued);
        // MaxPassOvers newcomers go first, then the waiting later call, then the remaining newcomers.
        var expected = Enumerable.Range(0, InferenceLimiter.MaxPassOvers).Select(i => $"new{i}")
            .Append("old").Concat(Enumerable.Range(InferenceLimiter.MaxPassOvers, 2).Select(i => $"new{i}"));
        Assert.Equal(expected, order);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_the_slot_goes_to_the_next()
    {
        var limiter = Limiter(slots: 1);
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = limiter.RunAsync(() => gate.Task.Result, CancellationToken.None);
        var order = new List<string>();
        using var cancel = new CancellationTokenSource();
        var gone = limiter.RunAsync(() => { lock (order) order.Add("gone"); return 0; }, null, cancel.Token, firstCall: true);
        await UntilWaiting(limiter, 1);
        var next = Queue(limiter, order, "next", firstCall: false);
        await UntilWaiting(limiter, 2);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        Assert.Equal(1, limiter.Waiting);
        gate.SetResult(0);
        await busy;
        await next;
        Assert.Equal(["next"], order);
        Assert.True(limiter.IsIdle);
    }

    [Fact]
    public async Task Past_the_queue_bound_a_call_is_refused_at_once()
    {
        var limiter = Limiter(slots: 1, queue: 1);
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = limiter.RunAsync(() => gate.Task.Result, CancellationToken.None);
        var waiting = limiter.RunAsync(() => 1, null, CancellationToken.None, firstCall: true);
        await UntilWaiting(limiter, 1);
        await Assert.ThrowsAsync<TooManyRequestsException>(() => limiter.RunAsync(() => 2, null, CancellationToken.None, firstCall: true));
        gate.SetResult(0);
        Assert.Equal(0, await busy);
        Assert.Equal(1, await waiting);
    }

    [Fact]
    public async Task Only_a_request_that_begins_alone_may_run_ahead_and_its_first_call_has_priority()
    {
        var limiter = Limiter(slots: 2);
        using (var alone = limiter.BeginRequest())
        {
            Assert.True(alone.MayRunAhead);
            // A second request arriving while the first is active, even before either has made a call.
            using var second = limiter.BeginRequest();
            Assert.False(second.MayRunAhead);
            Assert.Equal(1, second.CallsInFlight);
            Assert.Equal(2, limiter.ActiveRequests);
        }
        Assert.Equal(0, limiter.ActiveRequests);

        // A model call running outside any request (or one still finishing) also means the server is not free.
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = limiter.RunAsync(() => gate.Task.Result, CancellationToken.None);
        while (limiter.Running == 0) await Task.Delay(5);
        using (var late = limiter.BeginRequest()) Assert.False(late.MayRunAhead);
        gate.SetResult(0);
        await busy;

        // A lease's first call is a first call: with one slot held, it goes ahead of a later call queued before it.
        var one = Limiter(slots: 1);
        var hold = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = one.RunAsync(() => hold.Task.Result, CancellationToken.None);
        var order = new List<string>();
        var earlier = Queue(one, order, "earlier-later-call", firstCall: false);
        await UntilWaiting(one, 1);
        using var lease = one.BeginRequest();
        var first = lease.RunAsync(() => { lock (order) order.Add("lease-first"); return 0; }, CancellationToken.None);
        await UntilWaiting(one, 2);
        var second2 = lease.RunAsync(() => { lock (order) order.Add("lease-second"); return 0; }, CancellationToken.None);
        await UntilWaiting(one, 3);
        hold.SetResult(0);
        await Task.WhenAll(held, earlier, first, second2);
        Assert.Equal(["lease-first", "earlier-later-call", "lease-second"], order);
    }

    [SkippableFact]
    public async Task A_second_call_side_by_side_only_while_a_slot_is_idle_and_nothing_waits()
    {
        var limiter = Limiter(slots: 2);
        Skip.If(limiter.CallsInFlightPerRequest < 2, "side-by-side calls need at least two cores for one-thread calls");
        using var lease = limiter.BeginRequest();
        Assert.Equal(2, lease.CallsInFlightNow());
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var first = limiter.RunAsync(() => gates[0].Task.Result, CancellationToken.None);
        while (limiter.Running < 1) await Task.Delay(5);
        Assert.Equal(2, lease.CallsInFlightNow());           // one slot still idle
        var second = limiter.RunAsync(() => gates[1].Task.Result, CancellationToken.None);
        while (limiter.Running < 2) await Task.Delay(5);
        Assert.Equal(1, lease.CallsInFlightNow());           // both slots busy
        var third = limiter.RunAsync(() => gates[2].Task.Result, CancellationToken.None);
        await UntilWaiting(limiter, 1);
        gates[0].SetResult(0);
        await first;
        while (limiter.Running < 2) await Task.Delay(5);     // the waiter took the freed slot
        Assert.Equal(1, lease.CallsInFlightNow());
        gates[1].SetResult(0);
        await second;
        Assert.Equal(2, lease.CallsInFlightNow());           // a slot idle again, nobody waiting
        gates[2].SetResult(0);
        await third;
    }
}
