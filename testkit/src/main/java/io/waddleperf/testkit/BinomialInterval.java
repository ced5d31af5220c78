package io.waddleperf.testkit;

/**
 * The central interval of a binomial distribution: for {@code n} independent trials that each fail with probability
 * {@code p}, the range of failure counts that holds all but {@code 1 - confidence} of the probability, split evenly
 * between the tails. Computed exactly from the probability mass function (no normal approximation, which is poor for
 * small {@code n·p}), for accuracy tests that compare a measured loss count with an injected drop probability.
 *
 * @param low  smallest count inside the interval
 * @param high largest count inside the interval
 */
public record BinomialInterval(int low, int high) {

    /** The central interval holding at least {@code confidence} (e.g. 0.999) of Binomial({@code n}, {@code p}). */
    public static BinomialInterval of(int n, double p, double confidence) {
        if (n < 1 || p < 0 || p > 1 || confidence <= 0 || confidence >= 1) {
            throw new IllegalArgumentException("need n >= 1, 0 <= p <= 1, 0 < confidence < 1; got " + n + ", " + p + ", " + confidence);
        }
        double tail = (1 - confidence) / 2;
        double[] pmf = pmf(n, p);
        int low = 0;
        double below = 0;
        while (low < n && below + pmf[low] <= tail) {
            below += pmf[low++];
        }
        int high = n;
        double above = 0;
        while (high > 0 && above + pmf[high] <= tail) {
            above += pmf[high--];
        }
        return new BinomialInterval(low, high);
    }

    /** Whether {@code count} lies inside the interval. */
    public boolean contains(int count) {
        return count >= low && count <= high;
    }

    /** P(X = k) for k = 0..n, through logarithms so large n does not overflow (log-gamma by Lanczos, g = 7). */
    private static double[] pmf(int n, double p) {
        double[] pmf = new double[n + 1];
        if (p == 0 || p == 1) {
            pmf[p == 0 ? 0 : n] = 1;
            return pmf;
        }
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double logNFactorial = logGamma(n + 1.0);
        for (int k = 0; k <= n; k++) {
            pmf[k] = Math.exp(logNFactorial - logGamma(k + 1.0) - logGamma(n - k + 1.0) + k * logP + (n - k) * logQ);
        }
        return pmf;
    }

    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7};

    /** ln Γ(x) for x ≥ 0.5 (Lanczos approximation, relative error about 1e-15). */
    static double logGamma(double x) {
        double z = x - 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
