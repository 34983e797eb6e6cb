using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;

namespace TtsService.Tests.Scaling;

/// <summary>Admission by expected wait: the estimate from measured request costs, the 429 and its Retry-After.</summary>
public sealed class AdmissionTests
{
    private static QueueWaitEstimator Estimator(double maxWait, int slots = 1) =>
        new(new TtsSettings { MaxQueueWaitSeconds = maxWait, MaxConcurrentInferences = slots });

    /// <summary>A whole request of <paramref name="backend"/> that used <paramref name="seconds"/> of inference.</summary>
    private static void Served(QueueWaitEstimator estimator, string backend, double seconds)
    {
        using var work = estimator.Admit();
        work.SetBackend(backend);
        work.AddInference(seconds);
        work.Finish(complete: true);
    }

    [Fact]
    public void The_wait_is_what_admitted_requests_still_owe_at_their_backends_mean_cost_over_the_slots()
    {
        var estimator = Estimator(maxWait: 0, slots: 2);
        Served(estimator, "zipvoice", 8);
        Served(estimator, "kokoro", 1);
        Assert.Equal(0, estimator.ExpectedWaitSeconds);

        using var clone = estimator.Admit();
        clone.SetBackend("zipvoice");
        using var speech = estimator.Admit();
        speech.SetBackend("kokoro");
        Assert.Equal((8 + 1) / 2.0, estimator.ExpectedWaitSeconds, 6);
        clone.AddInference(5);                                   // owes 3 now
        Assert.Equal((3 + 1) / 2.0, estimator.ExpectedWaitSeconds, 6);
        speech.AddInference(4);                                  // past its mean: owes nothing, not less than nothing
        Assert.Equal(3 / 2.0, estimator.ExpectedWaitSeconds, 6);
        clone.Finish(complete: true);                            // synthesis over, only sending bytes
        Assert.Equal(0, estimator.ExpectedWaitSeconds);
    }

    [Fact]
    public void Past_the_limit_a_newcomer_gets_429_with_a_retry_after_from_the_estimate_and_later_gets_in()
    {
        var estimator = Estimator(maxWait: 2);
        Served(estimator, "kokoro", 6.5);
        using var first = estimator.Admit();                     // nothing ahead of it
        first.SetBackend("kokoro");
        var refused = Assert.Throws<TooManyRequestsException>(() => estimator.Admit());
        Assert.Equal(429, refused.Status);
        Assert.Equal(5, refused.RetryAfterSeconds);              // 6.5 s owed, 2 s allowed: in about 4.5 s it fits
        first.AddInference(5);                                   // 1.5 s owed: within the limit
        using var second = estimator.Admit();
        Assert.NotSame(first, second);
    }

    [Fact]
    public void Off_by_default_and_an_unmeasured_backend_owes_what_requests_cost_on_average()
    {
        var off = Estimator(maxWait: 0);
        Served(off, "kokoro", 100);
        using (off.Admit())
        using (off.Admit())
            Assert.Equal(200, off.ExpectedWaitSeconds, 6);       // reported, never enforced

        var estimator = Estimator(maxWait: 10);
        using (estimator.Admit())                                // nothing measured yet: owes nothing
            Assert.Equal(0, estimator.ExpectedWaitSeconds);
        Served(estimator, "kokoro", 3);
        using var pending = estimator.Admit();                   // backend not known yet: the all-backend mean
        Assert.Equal(3, estimator.ExpectedWaitSeconds, 6);
        // A request that ended without finishing (cancelled, failed) leaves the means as they were.
        using (var failed = estimator.Admit()) { failed.SetBackend("kokoro"); failed.AddInference(50); }
        Assert.Equal(3, estimator.ExpectedWaitSeconds, 6);
    }
}
