"""Protobuf oracle for Zapgate's schema tests: reads and writes messages with a schema we did
not write, and compares our .proto files with it field by field.

Two schemas are available, chosen by the first argument:
  waproto  baileys-python's WAProto (package `proto`), run in .venv-waproto
  axolotl  python-axolotl's WhisperTextProtocol (package `textsecure`), run in .venv-signal

Protocol: one JSON object per line on stdin, one reply per line on stdout, bytes as hex.
  {"op": "decode", "type": "proto.Message", "hex": "..."}   -> {"fields": TREE}
  {"op": "encode", "type": "proto.Message", "fields": TREE} -> {"hex": "..."}
  {"op": "schema", "protoDir": "...", "roots": [["zapgate.e2e.Message", "proto.Message"], ...]}
      -> {"messages": n, "fields": n, "enumValues": n, "problems": [...], "unvisited": [...]}
Errors come back as {"error": "..."}.

TREE describes a message by field number, never by name, so the two schemas can disagree on
names without hiding a disagreement on numbers or types:
  {"<number>": VALUE or [VALUE, ...] for repeated fields, "unknown": [<number>, ...]}
  VALUE is one of {"int": "<decimal>"} (int32/int64/sint*/sfixed*), {"uint": "<decimal>"}
  (uint32/uint64/fixed*), {"enum": n}, {"bool": b}, {"string": s}, {"bytes": hex},
  {"double": big-endian IEEE bits as hex}, {"float": likewise}, {"message": TREE}.
"unknown" lists the numbers the schema did not recognise (absent when there are none).
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

from oracle_io import register_baileys_package, serve


def load_waproto():
    register_baileys_package()
    from baileys.generated import WAProto_pb2

    return WAProto_pb2.DESCRIPTOR.pool


def load_axolotl():
    from axolotl.protocol import whisperprotos_pb2

    return whisperprotos_pb2.DESCRIPTOR.pool


SCHEMAS = {"waproto": load_waproto, "axolotl": load_axolotl}

from google.protobuf import descriptor_pb2  # noqa: E402
from google.protobuf import descriptor_pool  # noqa: E402
from google.protobuf.descriptor import FieldDescriptor as FD  # noqa: E402

try:
    from google.protobuf.message_factory import GetMessageClass as _get_class
except ImportError:  # protobuf 3.20
    from google.protobuf.message_factory import MessageFactory

    _factory = MessageFactory()

    def _get_class(descriptor):
        return _factory.GetPrototype(descriptor)


CATEGORY = {
    FD.TYPE_INT32: "int", FD.TYPE_INT64: "int", FD.TYPE_SINT32: "int", FD.TYPE_SINT64: "int",
    FD.TYPE_SFIXED32: "int", FD.TYPE_SFIXED64: "int",
    FD.TYPE_UINT32: "uint", FD.TYPE_UINT64: "uint", FD.TYPE_FIXED32: "uint",
    FD.TYPE_FIXED64: "uint",
    FD.TYPE_ENUM: "enum", FD.TYPE_BOOL: "bool", FD.TYPE_STRING: "string",
    FD.TYPE_BYTES: "bytes", FD.TYPE_DOUBLE: "double", FD.TYPE_FLOAT: "float",
    FD.TYPE_MESSAGE: "message", FD.TYPE_GROUP: "message",
}


def is_repeated(field):
    # `label` is deprecated in newer runtimes in favour of `is_repeated`.
    value = getattr(field, "is_repeated", None)
    if isinstance(value, bool):
        return value
    return field.label == FD.LABEL_REPEATED


def unknown_numbers(message):
    try:
        from google.protobuf import unknown_fields

        return sorted({f.field_number for f in unknown_fields.UnknownFieldSet(message)})
    except ImportError:  # protobuf 3.20
        return sorted({f.field_number for f in message.UnknownFields()})


# MARK: message <-> TREE


def value_to_json(field, value):
    kind = CATEGORY[field.type]
    if kind in ("int", "uint"):
        return {kind: str(value)}
    if kind == "bytes":
        return {kind: value.hex()}
    if kind == "double":
        return {kind: struct.pack(">d", value).hex()}
    if kind == "float":
        return {kind: struct.pack(">f", value).hex()}
    if kind == "message":
        return {kind: message_to_tree(value)}
    return {kind: value}


def message_to_tree(message):
    tree = {}
    for field, value in message.ListFields():
        if is_repeated(field):
            tree[str(field.number)] = [value_to_json(field, v) for v in value]
        else:
            tree[str(field.number)] = value_to_json(field, value)
    unknown = unknown_numbers(message)
    if unknown:
        tree["unknown"] = unknown
    return tree


def json_to_value(field, item, where):
    kind = CATEGORY[field.type]
    if set(item) != {kind}:
        raise ValueError(f"{where}: we sent {sorted(item)}, their field {field.full_name} is {kind}")
    raw = item[kind]
    if kind in ("int", "uint"):
        return int(raw)
    if kind == "bytes":
        return bytes.fromhex(raw)
    if kind == "double":
        return struct.unpack(">d", bytes.fromhex(raw))[0]
    if kind == "float":
        return struct.unpack(">f", bytes.fromhex(raw))[0]
    return raw


def fill(message, tree, where):
    descriptor = message.DESCRIPTOR
    for key, item in tree.items():
        if key == "unknown":
            raise ValueError(f"{where}: cannot encode unknown fields {item}")
        field = descriptor.fields_by_number.get(int(key))
        if field is None:
            raise ValueError(f"{where}: {descriptor.full_name} has no field {key}")
        here = f"{where}.{field.name}"
        target = getattr(message, field.name)
        if is_repeated(field):
            if not isinstance(item, list):
                raise ValueError(f"{here}: their field is repeated, we sent one value")
            for index, element in enumerate(item):
                if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
                    check_message(field, element, here)
                    fill(target.add(), element["message"], f"{here}[{index}]")
                else:
                    target.append(json_to_value(field, element, f"{here}[{index}]"))
        else:
            if isinstance(item, list):
                raise ValueError(f"{here}: their field is singular, we sent a list")
            if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
                check_message(field, item, here)
                target.SetInParent()
                fill(target, item["message"], here)
            else:
                setattr(message, field.name, json_to_value(field, item, here))


def check_message(field, item, where):
    if set(item) != {"message"}:
        raise ValueError(f"{where}: we sent {sorted(item)}, their field {field.full_name} is a message")


# MARK: schema comparison


class SchemaComparison:
    def __init__(self, ours, theirs):
        self.ours = ours
        self.theirs = theirs
        self.visited = set()
        self.fields = 0
        self.enum_values = 0
        self.problems = []

    def message(self, mine, other):
        if mine.full_name in self.visited:
            return
        self.visited.add(mine.full_name)
        for field in mine.fields:
            where = f"{mine.full_name}.{field.name} = {field.number}"
            match = other.fields_by_number.get(field.number)
            if match is None:
                self.problems.append(f"{where}: {other.full_name} has no field {field.number}")
                continue
            self.fields += 1
            if field.name.lower() != match.name.lower():
                self.problems.append(f"{where}: theirs is named {match.name}")
            if field.type != match.type:
                self.problems.append(f"{where}: type {field.type}, theirs {match.type}")
                continue
            if is_repeated(field) != is_repeated(match):
                self.problems.append(f"{where}: repeated differs from theirs")
            if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
                self.message(field.message_type, match.message_type)
            elif field.type == FD.TYPE_ENUM:
                self.enum(field.enum_type, match.enum_type)

    def enum(self, mine, other):
        if mine.full_name in self.visited:
            return
        self.visited.add(mine.full_name)
        for value in mine.values:
            match = other.values_by_number.get(value.number)
            where = f"{mine.full_name}.{value.name} = {value.number}"
            if match is None:
                self.problems.append(f"{where}: {other.full_name} has no value {value.number}")
            elif match.name != value.name:
                self.problems.append(f"{where}: theirs is named {match.name}")
            else:
                self.enum_values += 1


def all_types(file_descriptor):
    def walk(message):
        yield message.full_name
        for nested in message.nested_types:
            yield from walk(nested)
        for enum in message.enum_types:
            yield enum.full_name

    for message in file_descriptor.message_types_by_name.values():
        yield from walk(message)
    for enum in file_descriptor.enum_types_by_name.values():
        yield enum.full_name


def compare_schema(request, theirs):
    proto_dir = request["protoDir"]
    files = sorted(name for name in os.listdir(proto_dir) if name.endswith(".proto"))
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "set.pb")
        try:
            subprocess.run(
                ["protoc", f"--proto_path={proto_dir}", "--include_imports",
                 f"--descriptor_set_out={out}", *files],
                cwd=proto_dir, check=True, capture_output=True, text=True,
            )
        except FileNotFoundError:
            raise RuntimeError("protoc is not installed (apt-get install protobuf-compiler)")
        except subprocess.CalledProcessError as failure:
            raise RuntimeError(f"protoc failed: {failure.stderr}")
        with open(out, "rb") as handle:
            descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(handle.read())
    ours = descriptor_pool.DescriptorPool()
    for file_proto in descriptor_set.file:
        ours.Add(file_proto)
    comparison = SchemaComparison(ours, theirs)
    for mine, other in request["roots"]:
        comparison.message(ours.FindMessageTypeByName(mine), theirs.FindMessageTypeByName(other))
    wanted = request.get("files", files)
    everything = set()
    for name in wanted:
        everything.update(all_types(ours.FindFileByName(name)))
    return {
        "messages": len([n for n in comparison.visited if n in everything]),
        "fields": comparison.fields,
        "enumValues": comparison.enum_values,
        "problems": comparison.problems,
        "unvisited": sorted(everything - comparison.visited),
    }


# MARK: main loop


def handle(request, pool):
    op = request.get("op")
    if op == "decode":
        cls = _get_class(pool.FindMessageTypeByName(request["type"]))
        message = cls.FromString(bytes.fromhex(request["hex"]))
        return {"fields": message_to_tree(message)}
    if op == "encode":
        cls = _get_class(pool.FindMessageTypeByName(request["type"]))
        message = cls()
        fill(message, request["fields"], request["type"])
        return {"hex": message.SerializeToString().hex()}
    if op == "schema":
        return compare_schema(request, pool)
    raise ValueError(f"unknown op {op!r}")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SCHEMAS:
        sys.exit(f"usage: waproto_oracle.py {{{'|'.join(SCHEMAS)}}}")
    pool = SCHEMAS[sys.argv[1]]()
    serve(lambda request: handle(request, pool))


if __name__ == "__main__":
    main()
