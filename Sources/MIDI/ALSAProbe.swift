internal import CAlsa
enum ALSAProbe { static var version: String { String(cString: snd_asoundlib_version()) } }
