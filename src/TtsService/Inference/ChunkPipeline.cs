using System.Runtime.CompilerServices;

namespace TtsService.Inference;

/// <summary>
/// Runs a request's model calls ahead of the client: call N+1 starts before call N's audio is handed
/// out, so synthesis goes on while chunk N is encoded and sent. With <c>inFlight</c> 2 (a CPU with a
/// core left idle by one call, see <see cref="InferenceLimiter.CallsInFlightPerRequest"/>) the short
/// first call and the longer second one also run side by side. Results come back in order. Each call
/// takes its own slot in the <see cref="InferenceLimiter"/>, so a busy server queues them like any other.
/// </summary>
public static class ChunkPipeline
{
    /// <param name="items">The calls to make, produced lazily (text is phonemized as the pipeline advances).</param>
    /// <param name="run">One call. Its token is cancelled when the consumer stops early.</param>
    /// <param name="inFlight">Calls running at once for this request.</param>
    public static IAsyncEnumerable<TOut> InOrder<TIn, TOut>(IEnumerable<TIn> items, Func<TIn, CancellationToken, Task<TOut>> run,
        CancellationToken cancellationToken, int inFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFlight, 1);
        return InOrder(items, run, () => inFlight, cancellationToken);
    }

    /// <param name="inFlight">Calls this request may have running now, asked each time the pipeline could start one
    /// (at least 1): a request runs ahead only while the server has room for it.</param>
    public static async IAsyncEnumerable<TOut> InOrder<TIn, TOut>(IEnumerable<TIn> items, Func<TIn, CancellationToken, Task<TOut>> run,
        Func<int> inFlight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Queue<Task<TOut>>();
        try
        {
            using var source = items.GetEnumerator();
            var more = true;
            void Fill()
            {
                while (more && pending.Count < Math.Max(1, inFlight()))
                {
                    stop.Token.ThrowIfCancellationRequested();
                    // Input errors (a bad phoneme string, an unknown token) surface here, in order.
                    if (!(more = source.MoveNext())) break;
                    pending.Enqueue(run(source.Current, stop.Token));
                }
            }
            while (true)
            {
                Fill();
                if (pending.Count == 0) yield break;
                var result = await pending.Dequeue().ConfigureAwait(false);
                Fill(); // the next call starts now, before this result is encoded and sent
                yield return result;
            }
        }
        finally
        {
            // The consumer stopped (done, failed or gone): cancel what runs ahead and let it end before returning,
            // so no model call outlives the request.
            stop.Cancel();
            foreach (var task in pending)
            {
                try { await task.ConfigureAwait(false); }
                catch (Exception) { /* cancelled or failed after the consumer stopped: nobody is waiting for it */ }
            }
        }
    }
}
