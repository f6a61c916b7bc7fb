// allure-cucumberjs registers its runtime hooks on import; without this line steps and
// attachments silently vanish from the report.
import 'allure-cucumberjs';
