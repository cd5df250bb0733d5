import CIM
