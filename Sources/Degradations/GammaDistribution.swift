import Foundation

/// The gamma distribution's upper tail and its inverse (for significance thresholds).
enum GammaDistribution {
    /// The regularised upper incomplete gamma function `Q(a, x) = Γ(a, x)/Γ(a)`, the probability
    /// that a Gamma(shape `a`, scale 1) variable exceeds `x` (series below `a + 1`, Lentz's
    /// continued fraction above; Numerical Recipes §6.2).
    static func upperTail(shape a: Double, _ x: Double) -> Double {
        precondition(a > 0, "gamma shape must be positive")
        if x <= 0 { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return Swift.max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logPrefix) * h
    }

    /// The `x` with `Q(a, x/scale) = tail`: the (1 − tail) quantile of Gamma(shape `a`, `scale`),
    /// by bisection on the monotone tail.
    static func quantile(shape a: Double, scale: Double, upperTail tail: Double) -> Double {
        precondition(tail > 0 && tail < 1, "the tail probability must lie in (0, 1)")
        var lo = 0.0, hi = Swift.max(1, a)
        while upperTail(shape: a, hi) > tail { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if upperTail(shape: a, mid) > tail { lo = mid } else { hi = mid }
            if hi - lo <= 1e-12 * hi { break }
        }
        return scale * (lo + hi) / 2
    }
}
