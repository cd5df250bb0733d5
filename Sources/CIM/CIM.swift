/// The CIM object model: types, values, classes, instances, object paths and the schema repository.
