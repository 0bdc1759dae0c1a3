#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much text fits on the screen: columns to wrap at, and rows when the terminal says.
public struct TerminalSize: Sendable, Equatable {
    public let columns: Int
    /// Nil on a pipe or a serial line that reports no size: nothing is laid out by height there.
    public let rows: Int?

    public init(columns: Int, rows: Int?) {
        self.columns = max(20, columns)
        self.rows = rows.map { max(5, $0) }
    }

    /// 80 columns, height unknown: a pipe, or a serial line without a size.
    public static let fallback = TerminalSize(columns: 80, rows: nil)

    /// The size of the terminal on `fileDescriptor` (TIOCGWINSZ), or `fallback` when it is not a
    /// terminal or reports zero columns (a serial line nobody set a size on).
    public static func of(_ fileDescriptor: Int32) -> TerminalSize {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return fallback }
        return TerminalSize(columns: Int(size.ws_col), rows: size.ws_row > 0 ? Int(size.ws_row) : nil)
    }
}
