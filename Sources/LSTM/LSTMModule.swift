internal import COpenBLAS
/// Character-level LSTM language model on OpenBLAS. Knows nothing musical.
public enum LSTMModule { public static var openBLASCore: String { String(cString: openblas_get_corename()) } }
