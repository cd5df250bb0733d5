import CIM
import Foundation
import Providers

extension VirtualMachineInventory {
    /// Deletes a VM's configuration: every `Msvm_VirtualSystemSettingData` that names it (the realized one and its
    /// recovery points), their resource settings, its `Msvm_ReplicationSettingData` and relationships, every
    /// association instance that refers to one of them or to the VM, and last the VM itself, so that an
    /// interrupted removal leaves the VM to be removed again. Its disks are the caller's.
    func deleteVirtualMachine(_ name: String, schema: SchemaRepository) {
        let vmPath = Self.computerSystemPath(name)
        var owned: [CIMObjectPath] = []
        for className in ["Msvm_VirtualSystemSettingData", "Msvm_ReplicationSettingData"] {
            for instance in store.instances(of: className, in: Self.namespace)
            where instance["VirtualSystemIdentifier"]?.stringValue?.caseInsensitiveCompare(name) == .orderedSame {
                owned.append(instance.path(keyNames: ["InstanceID"], namespace: Self.namespace))
            }
        }
        let settings = owned.filter { $0.className == "Msvm_VirtualSystemSettingData" }
        for component in store.instances(of: "Msvm_VirtualSystemSettingDataComponent", in: Self.namespace) {
            guard case .reference(let group)? = component["GroupComponent"],
                settings.contains(where: group.refersToSameInstance(as:)),
                case .reference(var part)? = component["PartComponent"]
            else { continue }
            part.namespace = part.namespace ?? Self.namespace
            owned.append(part)
        }
        for side in ReplicationRelationshipSide.allCases {
            owned.append(Self.instanceIDPath("Msvm_ReplicationRelationship", Self.relationshipID(name, side)))
        }
        let referenced = owned + [vmPath]
        for cls in schema.classes(in: Self.namespace) where cls.isAssociation {
            let keys = schema.keys(of: cls.name, in: Self.namespace)
            for association in store.instances(of: cls.name, in: Self.namespace)
            where association.properties.contains(where: { property in
                guard case .reference(let target)? = property.value else { return false }
                return referenced.contains(where: target.refersToSameInstance(as:))
            }) {
                deleteIfPresent(association.path(keyNames: keys, namespace: Self.namespace))
            }
        }
        for path in owned { deleteIfPresent(path) }
        deleteIfPresent(vmPath)
    }
}
