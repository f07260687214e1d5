import Foundation

/// A long-lived gnuplot process fed through a pipe.
final class Gnuplot {
    func close() {}
}
