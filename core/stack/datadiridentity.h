#pragma once

#include "common/datadir.h"
#include "common/result.h"
#include "store/catalogueidentity.h"

namespace mistudio {

// Makes sure a process sharing a catalogue (PostgreSQL, several hosts) works on the data
// directory that catalogue was set up with (docs/deploy.md "Shared storage"): the catalogue
// records an id and the directory carries it in a marker file, both created on first use.
// A directory whose marker is missing while the catalogue has an id (the shared storage is not
// mounted there, or another path was given) or carries another id is refused with
// DataDirMismatch before any job could write files the other hosts cannot see. A directory
// with a marker but a catalogue without an id (a new database for an existing library) is
// adopted.
class DataDirIdentity final
{
public:
    static constexpr const char *kMarkerName = "catalogue-id";

    static Status verify(CatalogueIdentity &catalogue, const DataDir &dir);
};

} // namespace mistudio
