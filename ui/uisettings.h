#pragma once

// QSettings keys that only the desktop window reads (the shared ones are in
// core/common/settingskeys.h).
namespace mistudio::ui::uikeys {

inline constexpr char kCloseToTray[] = "ui/closeToTray";
inline constexpr char kWindowGeometry[] = "ui/windowGeometry";
inline constexpr char kWindowState[] = "ui/windowState";
inline constexpr char kModelsHeader[] = "ui/modelsHeader";
inline constexpr char kModelsSplitter[] = "ui/modelsSplitter";
inline constexpr char kFormExpanded[] = "ui/addFormExpanded";
inline constexpr char kCategory[] = "ui/modelsCategory";

} // namespace mistudio::ui::uikeys
