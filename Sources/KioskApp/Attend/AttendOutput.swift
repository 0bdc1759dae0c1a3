import KioskTerminal

/// Where the attend service writes its screens: the terminal, or a recorder in tests. The
/// text is already escaped; a sink writes it as it is.
package protocol AttendOutput {
    func write(_ text: String) throws
    /// The screen's size now (it may change between screens); 80 columns on a pipe.
    var size: TerminalSize { get }
    /// Clears the screen and its scrollback, so the next person cannot scroll back to the last one's answers.
    func clearScreen() throws
}

extension AttendOutput {
    func writeLine(_ text: String) throws {
        try write(text + "\n")
    }
}

extension TerminalWriter: AttendOutput {}
