import Foundation

/// The schema and the default lab that wmilab ships with: this folder, copied whole into the `wmilab`
/// resource bundle, so `#pragma include` keeps working relative to each file.
public enum WMILabMOF {
    /// `wmilab.mof`: every namespace the server serves.
    public static var schema: URL {
        Bundle.module.url(forResource: "wmilab", withExtension: "mof")!
    }

    /// `lab/default.mof`: the embedded default lab.
    public static var defaultLab: URL {
        Bundle.module.url(forResource: "default", withExtension: "mof", subdirectory: "lab")!
    }
}
