import LSTM

/// Makes up titles for generated tunes the model left untitled: session-tune names ("The Windy Harbour", "Maggie's
/// Fancy") for folk models, song titles ("Midnight Radio") for models whose corpus had no titles at all (the POP909
/// phrases).
///
/// Deterministic: the same seed and tune number give the same title, so `--seed` reproduces whole runs.
enum TitleMaker {
  /// Which kind of name to make up.
  enum Style: Sendable {
    case session, song
  }

  static let songAdjectives = [
    "Midnight", "Golden", "Electric", "Silver", "Neon", "Summer", "Paper", "Velvet", "Secret", "Endless", "Lonely",
    "Crystal", "Falling", "Blue", "Northern", "Sweet", "Distant", "Last", "Gentle", "Bright",
  ]
  static let songNouns = [
    "Drive", "Radio", "Heart", "City", "Window", "Rain", "Signal", "Dream", "Letter", "Skyline", "Echo", "Highway",
    "Promise", "Mirror", "Garden", "Light", "Station", "Horizon", "Season", "Moon",
  ]

  static let adjectives = [
    "Windy", "Green", "Merry", "Lonesome", "Golden", "Silver", "Rocky", "Crooked", "Humble", "Wild", "Misty", "Bold",
    "Lively", "Quiet", "Yellow", "Rambling", "Dancing", "Broken", "Hidden", "Jolly", "Sunny", "Frosty", "Morning",
    "Evening", "Lucky", "Stony", "Blooming", "Whistling", "Wandering", "Laughing",
  ]
  static let nouns = [
    "Harbour", "Meadow", "Fiddler", "Piper", "Kitchen", "Bridge", "Hill", "Road", "Fancy", "Lark", "Heather", "Tide",
    "Wedding", "Cottage", "Haystack", "River", "Lantern", "Ferry", "Orchard", "Sailor", "Chimney", "Glen", "Harvest",
    "Boreen", "Mill", "Shore", "Blackbird", "Market", "Castle", "Island",
  ]
  static let names = [
    "Maggie", "Paddy", "Nora", "Seamus", "Kitty", "Brendan", "Molly", "Johnny", "Peggy", "Donal", "Sheila", "Tommy",
    "Bridget", "Martin", "Eileen", "Mick", "Annie", "Con", "Rosie", "Denis",
  ]
  static let places = [
    "Kilkenny", "Galway", "Donegal", "Sligo", "Clare", "Kerry", "Mayo", "Cork", "Tyrone", "Leitrim", "Wexford",
    "Antrim", "Connemara", "the Glen", "the Valley", "the Sea",
  ]

  /// A title for tune `number` (1-based) of a run seeded with `seed`.
  static func title(seed: UInt64, number: Int, style: Style = .session) -> String {
    var generator = SplitMix64(seed: seed ^ (0x7469_746C_6500_0000 &+ UInt64(truncatingIfNeeded: number)))
    func pick(_ words: [String]) -> String { words[generator.nextIndex(below: words.count)] }
    if style == .song {
      switch generator.nextIndex(below: 3) {
      case 0: return "\(pick(songAdjectives)) \(pick(songNouns))"
      case 1: return "\(pick(songNouns)) of the \(pick(songAdjectives)) \(pick(songNouns))"
      default: return "The \(pick(songAdjectives)) \(pick(songNouns))"
      }
    }
    switch generator.nextIndex(below: 4) {
    case 0: return "The \(pick(adjectives)) \(pick(nouns))"
    case 1: return "\(pick(names))'s \(pick(nouns))"
    case 2: return "The \(pick(nouns)) of \(pick(places))"
    default: return "\(pick(names))'s \(pick(adjectives)) \(pick(nouns))"
    }
  }
}
