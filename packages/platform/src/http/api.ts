export { ApiProperty, ApiPropertyOptional, ApiTags, ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
