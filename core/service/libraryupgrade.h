#pragma once

#include "common/datadir.h"
#include "common/result.h"
#include "store/modelstore.h"

namespace mistudio {

// Brings what older versions left in the data directory to today's layout, at start, before any
// job runs: a model's quantized/ folder that holds one checkpoint itself (before variants lived
// side by side) moves to quantized/<variant>/, the variant read from its config.json
// (quantization_config), and is recorded in the catalogue. Crash-safe: the move is two renames
// through a marker name (quantized.upgrading) that the next start completes; the catalogue is
// written last.
class LibraryUpgrade final
{
public:
    LibraryUpgrade(ModelStore &store, DataDir dataDir) : m_store(store), m_dataDir(std::move(dataDir)) {}

    // How many models were upgraded.
    Result<int> run();

private:
    Status upgrade(const ModelRecord &model);

    ModelStore &m_store;
    DataDir m_dataDir;
};

} // namespace mistudio
