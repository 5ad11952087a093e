package grpc

import (
	"reflect"
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/runtime/protoimpl"
	"google.golang.org/protobuf/types/descriptorpb"
)

// dd-trace-go v1 exports from this package the small gRPC service its own
// tests use (Fixture: Ping and StreamPing), because the file that holds it
// is not named as a test file. Programs that used it keep building: the
// same names, shapes and method names are here, written by hand (no
// generated code) on top of the protocol buffer runtime. Its messages are
// registered under the protocol buffer package "ctxtrace.contrib.grpc",
// not dd-trace-go's, so that both can be linked into one program.

// FixtureRequest is the request of the Fixture service.
type FixtureRequest struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	// Name is the name the request carries.
	Name string `protobuf:"bytes,1,opt,name=name,proto3" json:"name,omitempty"`
}

// FixtureReply is the reply of the Fixture service.
type FixtureReply struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	// Message is the message the reply carries.
	Message string `protobuf:"bytes,1,opt,name=message,proto3" json:"message,omitempty"`
}

// fixtureDescriptor is the protocol buffer file that describes the two
// messages, built here rather than by protoc.
var fixtureDescriptor = func() []byte {
	message := func(name, field string) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Field: []*descriptorpb.FieldDescriptorProto{{
			Name: proto.String(field), JsonName: proto.String(field), Number: proto.Int32(1),
			Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			Type:  descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
		}}}
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&descriptorpb.FileDescriptorProto{
		Name:        proto.String("github.com/ctxtrace/trace/contrib/google.golang.org/grpc/fixture.proto"),
		Package:     proto.String("ctxtrace.contrib.grpc"),
		Syntax:      proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{message("FixtureRequest", "name"), message("FixtureReply", "message")},
		Options:     &descriptorpb.FileOptions{GoPackage: proto.String(fixturePackage)},
	})
	if err != nil {
		panic("grpc: the fixture's descriptor: " + err.Error()) // a constant message: cannot fail
	}
	return b
}()

var (
	fixturePackage = reflect.TypeFor[FixtureRequest]().PkgPath()
	fixtureTypes   = make([]protoimpl.MessageInfo, 2)
	fixtureGZIP    = sync.OnceValue(func() []byte { return protoimpl.X.CompressGZIP(fixtureDescriptor) })
)

func init() {
	protoimpl.TypeBuilder{
		File: protoimpl.DescBuilder{
			GoPackagePath: fixturePackage,
			RawDescriptor: fixtureDescriptor,
			NumMessages:   2,
		},
		GoTypes:           []any{(*FixtureRequest)(nil), (*FixtureReply)(nil)},
		DependencyIndexes: []int32{0, 0, 0, 0, 0}, // no fields of message types, no methods
		MessageInfos:      fixtureTypes,
	}.Build()
}

// messageOf is ProtoReflect for the fixture's message m, of info mi.
func messageOf(m any, p protoimpl.Pointer, mi *protoimpl.MessageInfo) protoreflect.Message {
	if p == nil {
		return mi.MessageOf(m)
	}
	ms := protoimpl.X.MessageStateOf(p)
	if ms.LoadMessageInfo() == nil {
		ms.StoreMessageInfo(mi)
	}
	return ms
}

// ProtoReflect returns the message's reflective view.
func (x *FixtureRequest) ProtoReflect() protoreflect.Message {
	if x == nil {
		return messageOf(x, nil, &fixtureTypes[0])
	}
	return messageOf(x, protoimpl.Pointer(x), &fixtureTypes[0])
}

// ProtoMessage marks the type as a protocol buffer message.
func (*FixtureRequest) ProtoMessage() {}

// Reset clears the message.
func (x *FixtureRequest) Reset() {
	*x = FixtureRequest{}
	protoimpl.X.MessageStateOf(protoimpl.Pointer(x)).StoreMessageInfo(&fixtureTypes[0])
}

// String returns the message in protocol buffer text format.
func (x *FixtureRequest) String() string { return protoimpl.X.MessageStringOf(x) }

// Descriptor returns the gzipped descriptor of the message's file and the
// message's index in it.
//
// Deprecated: Use ProtoReflect().Descriptor(), as protoc's code says.
func (*FixtureRequest) Descriptor() ([]byte, []int) { return fixtureGZIP(), []int{0} }

// GetName returns Name; "" for a nil message.
func (x *FixtureRequest) GetName() string {
	if x == nil {
		return ""
	}
	return x.Name
}

// ProtoReflect returns the message's reflective view.
func (x *FixtureReply) ProtoReflect() protoreflect.Message {
	if x == nil {
		return messageOf(x, nil, &fixtureTypes[1])
	}
	return messageOf(x, protoimpl.Pointer(x), &fixtureTypes[1])
}

// ProtoMessage marks the type as a protocol buffer message.
func (*FixtureReply) ProtoMessage() {}

// Reset clears the message.
func (x *FixtureReply) Reset() {
	*x = FixtureReply{}
	protoimpl.X.MessageStateOf(protoimpl.Pointer(x)).StoreMessageInfo(&fixtureTypes[1])
}

// String returns the message in protocol buffer text format.
func (x *FixtureReply) String() string { return protoimpl.X.MessageStringOf(x) }

// Descriptor returns the gzipped descriptor of the message's file and the
// message's index in it.
//
// Deprecated: Use ProtoReflect().Descriptor(), as protoc's code says.
func (*FixtureReply) Descriptor() ([]byte, []int) { return fixtureGZIP(), []int{1} }

// GetMessage returns Message; "" for a nil message.
func (x *FixtureReply) GetMessage() string {
	if x == nil {
		return ""
	}
	return x.Message
}
