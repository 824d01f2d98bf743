import Testing
import ZapgateStore

/// `ZAPGATE_DATABASE_URL` values.
@Suite struct StoreLocationTests {
    @Test func sqliteAndPostgresLocationsParse() throws {
        #expect(
            try StoreLocation(parsing: "sqlite:./data/zapgate.sqlite")
                == .sqlite(path: "./data/zapgate.sqlite"))
        #expect(
            try StoreLocation(parsing: "sqlite:///var/lib/zapgate.db") == .sqlite(path: "/var/lib/zapgate.db")
        )
        #expect(try StoreLocation(parsing: "sqlite:zapgate.db") == .sqlite(path: "zapgate.db"))
        let url = "postgres://gate:p%40ss@db.invalid:5432/zapgate?sslmode=require"
        #expect(try StoreLocation(parsing: url) == .postgres(url: url))
        #expect(
            try StoreLocation(parsing: "postgresql://gate@db.invalid/zapgate")
                == .postgres(url: "postgresql://gate@db.invalid/zapgate"))
    }

    @Test(arguments: [
        "", "mysql://gate@db.invalid/zapgate", "sqlite:", "./data/zapgate.sqlite",
        "postgres://db.invalid/zapgate",
        "postgres://gate@/zapgate", "postgres://gate@db.invalid/zapgate?sslmode=sometimes",
        "postgres://gate@db.invalid/zapgate?application_name=x",
    ])
    func anythingElseIsAConfigurationError(_ text: String) {
        let error = #expect(throws: StoreError.self) { try StoreLocation(parsing: text) }
        #expect(error.map { if case .configuration = $0 { true } else { false } } == true)
    }

    @Test func theDescriptionHidesThePassword() throws {
        let location = try StoreLocation(parsing: "postgres://gate:hunter2@db.invalid:6543/zapgate")
        #expect(location.description == "postgres://gate:***@db.invalid:6543/zapgate")
        #expect(StoreLocation.defaultLocation.description == "sqlite:./data/zapgate.sqlite")
    }
}
