import KioskCommandLine

/// `kiosk-attend`: the applicant form, which `kiosk attend` (and `kiosk` alone) runs. Its
/// options are those of `kiosk attend`.
@main
enum KioskAttendCommand {
    static func main() async {
        await AttendCommand.main()
    }
}
