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
        // The planning algorithms outside a run: 10 units shared 3:1, nothing for a zero weight.
        const std::vector<double> weight = {3.0, 1.0, 0.0};
        furthest::BudgetOptions budget;
        budget.budget = 10;
        const furthest::BudgetShare share = furthest::share_budget(weight, budget);
        if (share.units != std::vector<std::int64_t>{8, 2, 0}) return 1;
        // Monitoring: all reach in the first of two equal zones (2 x 0.25 - 1 = -0.5); a 2 in a
        // 2 x 2 table hides all four cells (only the totals are published).
        const std::vector<double> reach = {4.0, 0.0}, people = {10.0, 10.0}, need = {1.0, 2.0};
        furthest::ConcentrationOptions concentration;
        concentration.draws = 0;
        if (furthest::concentration_index({reach, people, need}, concentration).index != -0.5) return 1;
        Eigen::MatrixXd counts(2, 2);
        counts << 2, 10, 15, 30;
        if (furthest::suppress_counts(counts).secondary_cells != 3) return 1;
    } catch (const furthest::Error& error) {
        std::cerr << "consumer: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
