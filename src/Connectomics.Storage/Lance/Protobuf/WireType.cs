namespace Connectomics.Storage.Lance.Protobuf;

/// <summary>The protobuf wire types Lance messages use (groups are not used).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
