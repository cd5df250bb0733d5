/// The XML namespaces of WS-Management and its companions, with the prefixes Windows uses.
public enum WSManNamespace {
    /// SOAP 1.2 envelope (`s`).
    public static let soap = "http://www.w3.org/2003/05/soap-envelope"
    /// WS-Addressing 2004/08 (`a`).
    public static let addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
    /// DMTF WS-Management (`w`).
    public static let wsman = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
    /// WS-Enumeration (`n`).
    public static let enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
    /// WS-Transfer (`x`).
    public static let transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
    /// Microsoft WS-Management extensions, MS-WSMV (`p` in headers).
    public static let msWSMan = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
    /// WS-Management Identify, as Windows answers it (`wsmid`).
    public static let identity = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
    /// The Identify namespace spelled as in MS-WSMV and pypsrp; accepted in requests.
    public static let identify = "http://schemas.dmtf.org/wbem/wsman/identify/1/wsmanidentity.xsd"
    /// Microsoft's fault detail (`f`).
    public static let wsmanFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
    /// DSP0230 common types such as `cim:Datetime` (`cim`).
    public static let cimCommon = "http://schemas.dmtf.org/wbem/wscim/1/common"
    /// DSP0227 CIM binding (`b`).
    public static let cimBinding = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd"
    /// XML Schema instance (`xsi`).
    public static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    /// The `xml:` namespace, for `xml:lang`.
    public static let xml = "http://www.w3.org/XML/1998/namespace"
}
