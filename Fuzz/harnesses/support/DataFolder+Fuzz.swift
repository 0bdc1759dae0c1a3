// The one name of KioskApp's DataFolder that the configuration sources use, for the
// config_decoder harness, which compiles Sources/KioskApp/Config without the rest of KioskApp
// (the data folder needs the database). Keep it equal to DataFolder.demoSealingKeyName.
enum DataFolder {
    static let demoSealingKeyName = "demo-hq-sealing.pub.pem"
}
