/// Krumhansl–Schmuckler key finding: correlates a duration-weighted pitch-class histogram with the 24 rotated
/// Krumhansl–Kessler key profiles and picks the best major or minor key.
///
/// Reference: C. L. Krumhansl, *Cognitive Foundations of Musical Pitch* (1990), ch. 4 (profiles from Krumhansl &
/// Kessler 1982).
public enum KeyFinder {
  /// Krumhansl–Kessler major profile, tonic first.
  static let majorProfile: [Double] = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
  /// Krumhansl–Kessler minor profile, tonic first.
  static let minorProfile: [Double] = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

  /// The best key for `weights` (12 values, index = pitch class, C = 0; e.g. total duration of each pitch class)
  /// and its Pearson correlation −1…1. An empty or flat histogram gives C major with correlation 0. On equal
  /// correlations the key with fewer sharps or flats wins, then major.
  public static func estimate(pitchClassWeights weights: [Double]) -> (key: ImportKey, correlation: Double) {
    guard weights.count == 12, weights.contains(where: { $0 > 0 }) else { return (.cMajor, 0) }
    var best: (key: ImportKey, correlation: Double)?
    for minor in [false, true] {
      let profile = minor ? minorProfile : majorProfile
      for tonic in 0..<12 {
        let rotated = (0..<12).map { profile[(($0 - tonic) % 12 + 12) % 12] }
        let r = correlation(weights, rotated)
        let key = ImportKey.conventional(tonicSemitone: tonic, minor: minor)
        if let b = best {
          let better =
            r > b.correlation + 1e-12
            || (abs(r - b.correlation) <= 1e-12 && abs(key.fifths) < abs(b.key.fifths))
          if !better { continue }
        }
        best = (key, r)
      }
    }
    return best ?? (.cMajor, 0)
  }

  /// The duration-weighted pitch-class histogram of `notes` (weights in grid steps).
  public static func histogram(of notes: [GridNote]) -> [Double] {
    var weights = [Double](repeating: 0, count: 12)
    for n in notes { weights[((n.pitch % 12) + 12) % 12] += Double(n.length) }
    return weights
  }

  /// Pearson correlation; 0 when either side is constant.
  static func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n
    let my = y.reduce(0, +) / n
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in x.indices {
      let dx = x[i] - mx
      let dy = y[i] - my
      sxy += dx * dy
      sxx += dx * dx
      syy += dy * dy
    }
    guard sxx > 0, syy > 0 else { return 0 }
    return sxy / (sxx * syy).squareRoot()
  }
}
