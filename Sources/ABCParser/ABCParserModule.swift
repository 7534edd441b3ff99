/// ABC 2.1 text → typed syntax tree → diagnostics. Knows nothing of MIDI.
public enum ABCParserModule { public static let abcVersion = "2.1" }
