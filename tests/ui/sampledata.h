#pragma once

#include "hub/modelpreview.h"

#include <QJsonObject>
#include <QPalette>

namespace mistudio::ui::test {

// A preview as core/hub's buildPreview gives it for a gemma-2-2b-like checkpoint, with a chosen
// free space.
hub::ModelPreview samplePreview(qint64 freeBytes = 200'000'000'000LL);
// A gated repo previewed without a token: the Hub's metadata only, no access.
hub::ModelPreview sampleGatedPreview();
// A dark desktop theme's palette (every role a theme sets, as Breeze Dark or Adwaita-dark do).
QPalette darkPalette();
// The architecture of a small llama-family model, made by core/arch from a tensor list
// (the base keys + layer tree + hook points), as the service returns it.
QJsonObject sampleArchitecture(int layers = 4);

} // namespace mistudio::ui::test
