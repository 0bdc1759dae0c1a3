/// Answers to the real `ua-contract` form in English, as (field id, typed line) pairs in the order asked.
///
/// The defaults describe a man born 2000-01-01 (age 26 on `KioskFiles.today`) with no prior service,
/// applying for a plain contract in Demo Brigade 1.
enum UAContractScript {
    static func identity(
        birthDate: String = "01.01.2000", sex: String = "Male", rnokpp: String = Applicant.rnokppMale2000
    ) -> [(String, String)] {
        [
            ("surname", "Shevchenko"),
            ("given_name", "Taras"),
            ("patronymic", "Hryhorovych"),
            ("birth_date", birthDate),
            ("sex", sex),
            ("rnokpp", rnokpp),
        ]
    }

    static let contact: [(String, String)] = [
        ("document_type", "1"),
        ("document_number", "123456789"),
        ("phone", "067-123-45-67"),
        ("email", ""),
        ("region", "Lviv Oblast"),
        ("education", "5"),
    ]

    static let noPriorService: [(String, String)] = [("prior_service", "no")]

    /// Plain contract (the only option at 26), Demo Brigade 1, rifleman.
    static let service: [(String, String)] = [("service_type", "1"), ("unit", "1"), ("position", "1")]

    static let closing: [(String, String)] = [("driving_licence", ""), ("health", "1"), ("consent", "yes")]

    /// Every answer up to the review, for the default applicant.
    static var toReview: [(String, String)] {
        identity() + contact + noPriorService + service + closing
    }
}
