import TensorCore

extension GaussianMixturePrior {
    /// The root-mean-square over coordinates of the marginal standard deviation:
    /// Var_d = Σ_k w_k (m_kd² + C_k,dd) − (Σ_k w_k m_kd)², exact.
    public var dataSpread: Double {
        let k = weights.count
        var total = 0.0
        for d in 0..<dim {
            var mean = 0.0, second = 0.0
            for c in 0..<k {
                let w = Double(weights[flat: c]), m = Double(means[flat: c * dim + d])
                mean += w * m
                second += w * (m * m + Double(covariances[flat: (c * dim + d) * dim + d]))
            }
            total += second - mean * mean
        }
        return (total / Double(dim)).squareRoot()
    }
}
