import LSTM

/// Makes up tune titles in the style of session-tune names ("The Windy Harbour", "Maggie's Fancy") for generated
/// tunes the model left untitled.
///
/// Deterministic: the same seed and tune number give the same title, so `--seed` reproduces whole runs.
enum TitleMaker {
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
  static func title(seed: UInt64, number: Int) -> String {
    var generator = SplitMix64(seed: seed ^ (0x7469_746C_6500_0000 &+ UInt64(truncatingIfNeeded: number)))
    func pick(_ words: [String]) -> String { words[generator.nextIndex(below: words.count)] }
    switch generator.nextIndex(below: 4) {
    case 0: return "The \(pick(adjectives)) \(pick(nouns))"
    case 1: return "\(pick(names))'s \(pick(nouns))"
    case 2: return "The \(pick(nouns)) of \(pick(places))"
    default: return "\(pick(names))'s \(pick(adjectives)) \(pick(nouns))"
    }
  }
}
