#pragma once

#include <QJsonObject>

namespace mistudio::ui::test {

// A preview as core/hub's ModelPreview::toJson() gives it for a gemma-2-2b-like checkpoint
// (design §4.3 plus the extensions), with a chosen free space.
QJsonObject samplePreview(qint64 freeBytes = 200'000'000'000LL);
// The architecture of a small llama-family model, made by core/arch from a tensor list
// (design §2.2 + layer tree + hook points), as the service returns it.
QJsonObject sampleArchitecture(int layers = 4);

} // namespace mistudio::ui::test
