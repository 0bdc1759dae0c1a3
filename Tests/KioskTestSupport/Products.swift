import Foundation

/// Locates the package's built products, so end-to-end tests run the `kiosk` executable
/// from the same build as the tests instead of whatever is on PATH.
package enum Products {
    /// The directory holding the test binary and the built executables (e.g. .build/debug).
    package static func productsDirectory() -> URL {
        #if os(macOS)
        // There the tests run inside an .xctest bundle next to the products.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        // On Linux the test binary is itself the main bundle's executable.
        return Bundle.main.bundleURL
    }

    /// The built executable called `name`, such as "kiosk".
    package static func executable(named name: String) -> URL {
        productsDirectory().appendingPathComponent(name)
    }
}
