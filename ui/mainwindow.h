#pragma once

#include "common/appconfig.h"

#include <QMainWindow>

namespace mistudio {

// The application window: Models panel in the centre, toolbar and menus around it.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const AppConfig &config, QWidget *parent = nullptr);
    ~MainWindow() override;

private:
    AppConfig m_config;
};

} // namespace mistudio
