/// Why a line was refused, so the caller can tell the citizen what to fix instead of storing bad text.
public enum LineRejection: Equatable, Sendable {
    /// The line had more than `limit` bytes; everything up to its end was read and dropped.
    case tooLong(limit: Int)
    /// The bytes were not well-formed UTF-8 (stray or truncated sequences, overlongs, surrogates).
    case invalidUTF8
    /// The line held a C0 control, DEL, a C1 control or a bidirectional-formatting control,
    /// for example an arrow key's escape sequence or a Ctrl-C typed while signals are off.
    case controlCharacter
}

/// One outcome of `LineReader.readLine(timeout:)`: the kiosk reacts to each kind differently.
public enum LineEvent: Equatable, Sendable {
    /// A complete, validated line without its terminator.
    case line(String)
    /// A complete line that must not be used; the next call starts with the next line.
    case rejected(LineRejection)
    /// Nothing completed a line before the timeout; bytes of a partial line stay buffered.
    case timeout
    /// End of input (or an unreadable descriptor). On a tty this is not sticky: see `LineReader`.
    case endOfInput
}
