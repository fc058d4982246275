// Runs the installed demo through the public C++ API and checks the result's shape.
#include <furthest/furthest.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: consumer OUTPUT.gpkg\n";
        return 2;
    }
    try {
        furthest::RunConfig config = furthest::load_config(std::filesystem::path(FURTHEST_DEMO_DIR) / "demo.toml");
        config.output.path = argv[1];
        const furthest::RunResult result = furthest::run(config);
        const auto& rank = std::get<furthest::Column::Integers>(result.table("zones").at("rank").values);
        std::cout << "furthest " << FURTHEST_VERSION << ": " << result.table("zones").rows() << " zones, "
                  << result.table("areas").rows() << " areas, written to " << result.output_path.string() << "\n";
        if (result.table("zones").rows() != 300 || result.table("areas").rows() != 6 || rank.size() != 300) return 1;
        if (!std::filesystem::exists(result.output_path)) return 1;
    } catch (const furthest::Error& error) {
        std::cerr << "consumer: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
